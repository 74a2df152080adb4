# JupyterHub settings for the ToB Ops Academy course hub: see tobops/room/hub.py.
# Started by `tobops hub` (make hub), which says where the hub lives (tobops.room.hub.ENV).
from tobops.room.hub import configure

configure(c)  # noqa: F821  (c is provided by JupyterHub)
