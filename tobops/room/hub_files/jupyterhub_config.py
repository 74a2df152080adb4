# JupyterHub settings for the ToB Ops Academy course hub: see tobops/room/spawner.py and hub.py.
# Started by `tobops hub` (make hub), which says where the hub lives (tobops.room.hub.ENV).
from tobops.room.spawner import configure

configure(c)  # noqa: F821  (c is provided by JupyterHub)
