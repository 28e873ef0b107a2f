"""The shared core every layer stands on: errors, paths, parameter declarations, text and numbers.

Nothing here imports pandas, plotly or any other part of the package.
"""
