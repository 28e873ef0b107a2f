"""The dashboard's kernels: a tab's kernel is shut down when its tab closes.

Voilà starts one kernel per opened page. Its page asks for the shutdown as it unloads
(``navigator.sendBeacon``), but that request is lost when a browser does not fire the unload
event (a tab killed, a crash, some browsers on close), and the idle cull alone leaves the
kernel running for its whole idle time. :class:`TabKernelManager` watches the kernel's
connections instead: when the last websocket of a kernel closes and none reconnects within
:attr:`TabKernelManager.close_grace` seconds, the kernel is shut down. A kernel no page has
connected to yet is left alone (Voilà runs the notebook before its page connects), and the
idle cull (``cull_idle_timeout``) still applies as a backstop.

``make dashboard`` names it in ``src/analytics/publish/voila/voila.json``
(``VoilaConfiguration.multi_kernel_manager_class``); the grace is set with
``--TabKernelManager.close_grace=SECONDS`` (``make dashboard CLOSE_GRACE=…``).
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import IOLoop
from traitlets import Float


class TabKernelManager(AsyncMappingKernelManager):
    """Kernels that end with the last page connected to them (see the module's docstring)."""

    close_grace = Float(10.0, min=0.0, config=True,
                        help="Seconds a kernel waits, after its last page disconnected, for a page to reconnect "
                             "before it is shut down (a reconnecting websocket after a network blip keeps it).")

    def notify_disconnect(self, kernel_id: str) -> None:
        """Count the closed connection; once none is left, shut the kernel down after the grace."""
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id) == 0:
            self.log.info("Kernel %s: its last page disconnected; shut down in %.0f s unless one reconnects",
                          kernel_id, self.close_grace)
            IOLoop.current().call_later(self.close_grace, self._close_unused, kernel_id)

    async def _close_unused(self, kernel_id: str) -> None:
        """Shut the kernel down if it still runs and no page has reconnected to it."""
        if kernel_id in self and self._kernel_connections.get(kernel_id) == 0:
            self.log.info("Kernel %s: shut down, its tab is closed", kernel_id)
            await self.shutdown_kernel(kernel_id)
