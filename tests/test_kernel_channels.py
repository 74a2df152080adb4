"""A kernel's message is never left waiting for a wake-up that did not come.

pyzmq's asyncio wait on a socket is woken by an edge-triggered signal. When something
reads the socket's state (``zmq.EVENTS``) between the message's arrival and the event
loop's next look, the signal is used up: jupyter_client's channel then waits out its whole
timeout and only then finds the message. That is how a lesson's cell, answered at once,
held a test run for its full 300 s cell timeout. The course's channel looks again every
fifth of a second."""
from __future__ import annotations

import asyncio
import time
from queue import Empty

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from tobops.content.notebooks import REPOLL_S, PatientClient, PatientKernelManager, RepollChannel
from tobops.grade.kernel import ForkingKernelManager, SandboxedKernelManager
from tobops.room.kernels import ValidateKernelManager

TIMEOUT = 5.0  # the wait's timeout; the bounds below leave seconds of slack for a loaded machine


async def _wait_after_a_lost_wakeup(channel_class) -> tuple[str, float]:
    """Seconds a channel takes to hand over a message whose wake-up signal was used up."""
    ctx, sync = zmq.asyncio.Context(), zmq.Context()
    ours = ctx.socket(zmq.PAIR)
    port = ours.bind_to_random_port("tcp://127.0.0.1")
    kernel = sync.socket(zmq.PAIR)
    kernel.connect(f"tcp://127.0.0.1:{port}")
    session = Session()
    try:
        channel = channel_class(ours, session, asyncio.get_running_loop())
        waiting = asyncio.ensure_future(channel.get_msg(timeout=TIMEOUT))
        for _ in range(3):
            await asyncio.sleep(0.01)  # the wait is registered with the event loop
        session.send(kernel, "execute_reply", {"status": "ok"})
        time.sleep(0.2)  # the reply arrives while the event loop is busy elsewhere
        zmq.Socket.shadow(ours.underlying).get(zmq.EVENTS)  # the state is read: the signal is used up
        start = time.monotonic()
        msg = await waiting
        return msg["msg_type"], time.monotonic() - start
    finally:
        kernel.close(linger=0)
        ours.close(linger=0)
        sync.term()
        ctx.term()


def test_the_course_channel_hands_over_a_message_whose_wakeup_was_lost_at_once():
    kind, waited = asyncio.run(_wait_after_a_lost_wakeup(RepollChannel))
    assert kind == "execute_reply"
    assert waited < TIMEOUT / 2, f"waited {waited:.2f} s for a message already there (re-polls every {REPOLL_S} s)"


def test_jupyter_clients_own_channel_still_waits_out_its_timeout():
    """The reason for RepollChannel. If this fails, pyzmq no longer loses the wake-up and
    RepollChannel can go (with a look at the lesson runs' times under load)."""
    kind, waited = asyncio.run(_wait_after_a_lost_wakeup(AsyncZMQSocketChannel))
    assert kind == "execute_reply"
    assert waited > TIMEOUT - 0.5


def test_a_wait_for_nothing_still_ends_at_its_timeout():
    async def wait() -> float:
        ctx = zmq.asyncio.Context()
        sock = ctx.socket(zmq.PAIR)
        sock.bind_to_random_port("tcp://127.0.0.1")
        try:
            start = time.monotonic()
            with pytest.raises(Empty):
                await RepollChannel(sock, Session(), asyncio.get_running_loop()).get_msg(timeout=0.5)
            return time.monotonic() - start
        finally:
            sock.close(linger=0)
            ctx.term()

    assert 0.45 < asyncio.run(wait()) < 3


@pytest.mark.parametrize("manager", [PatientKernelManager, SandboxedKernelManager, ForkingKernelManager,
                                     ValidateKernelManager], ids=lambda m: m.__name__)
def test_every_kernel_manager_of_the_course_hands_out_the_patient_client(manager):
    client = manager(transport="tcp", ip="127.0.0.1").client()  # no socket folder, no template started
    assert isinstance(client, PatientClient)
    for name in ("shell", "iopub", "stdin", "control"):
        assert issubclass(getattr(client, f"{name}_channel_class"), RepollChannel), name
