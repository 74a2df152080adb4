# JupyterHub settings for the ToB Ops Academy course hub: see tobops/hub.py.
# Started by `tobops hub` (make hub), which sets TOBOPS_HUB_DATA and TOBOPS_COURSE_HOME.
from tobops.room.hub import configure

configure(c)  # noqa: F821  (c is provided by JupyterHub)
