"""Start the project's IPython kernel with no TCP socket at all.

The runner starts kernels over IPC (Unix) sockets in a private folder. ipykernel still
opens one TCP port of its own: the pipe through which forked subprocesses send their
output to IOPub (``IOPubThread._setup_pipe_in``, bound to ``tcp://127.0.0.1``). This
launcher binds that pipe to a Unix socket in the folder of the kernel's connection file
instead, then starts the kernel as ``python -m ipykernel_launcher`` would.

Usage (what the runner puts in the kernel's command line)::

    python -m analytics.run.private_kernel -f /private/folder/kernel.json
"""

from __future__ import annotations

import os
import sys


def _connection_folder(argv: list[str]) -> str:
    for flag in ("-f", "--f"):
        if flag in argv and argv.index(flag) + 1 < len(argv):
            return os.path.dirname(os.path.abspath(argv[argv.index(flag) + 1]))
    raise SystemExit("private_kernel: give the connection file with -f")


def use_unix_pipe(folder: str) -> None:
    """Make ipykernel's subprocess-output pipe a Unix socket in ``folder``."""
    import zmq
    from ipykernel import iostream
    from zmq.eventloop.zmqstream import ZMQStream

    def _setup_pipe_in(self):
        pipe_in = self.socket.context.socket(zmq.PULL)
        pipe_in.linger = 0
        self._pipe_uuid = os.urandom(16)  # messages are checked against it, as upstream
        self._pipe_address = f"ipc://{folder}/pipe-{os.getpid()}"
        pipe_in.bind(self._pipe_address)
        self._pipe_in = ZMQStream(pipe_in, self.io_loop)
        self._pipe_in.on_recv(self._handle_pipe_msg)

    def _setup_pipe_out(self):
        ctx = zmq.Context()  # a new context after fork
        pipe_out = ctx.socket(zmq.PUSH)
        pipe_out.linger = 3000
        pipe_out.connect(self._pipe_address)
        return ctx, pipe_out

    iostream.IOPubThread._setup_pipe_in = _setup_pipe_in
    iostream.IOPubThread._setup_pipe_out = _setup_pipe_out


def main() -> None:
    use_unix_pipe(_connection_folder(sys.argv))
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
