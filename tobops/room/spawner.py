"""What runs inside JupyterHub: its configuration and the course's spawner.

``tobops hub`` (:mod:`tobops.room.hub`) starts JupyterHub with ``hub_files/jupyterhub_config.py``,
which calls :func:`configure`. This lives apart from :mod:`tobops.room.hub` so that the
launcher every user's server starts through (``python -m tobops.room.hub``) imports neither
JupyterHub nor nbgrader, which cost 2.7 s of CPU a server (a room of twenty at once).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Unicode

from tobops.room import workspace
from tobops.room.hub import PROXY_TIMEOUT_S, Hub


def configure(c) -> None:
    """Fill a JupyterHub config object; called by ``hub_files/jupyterhub_config.py`` in the
    JupyterHub process that ``tobops hub`` starts."""
    hub = Hub.from_env()
    instructors, trainees = hub.roster()
    sec = hub.secrets()
    c.JupyterHub.ip = hub.ip
    c.JupyterHub.port = hub.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = hub.port + 1  # the hub's own API and the proxy's, next to the public port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub.port + 2}"
    # a Validate (which runs the whole notebook) in a busy room can take a minute; past the
    # proxy's default of 20 s the trainee would get "503 Service Unavailable" while it still runs
    # (tobops/room/proxy.py: configurable-http-proxy with room for the whole room's requests at once)
    c.ConfigurableHTTPProxy.command = [sys.executable, "-m", "tobops.room.proxy",
                                       "--proxy-timeout", str(PROXY_TIMEOUT_S * 1000)]
    c.JupyterHub.db_url = f"sqlite:///{hub.data / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub.data / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub.data / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.auth_token = sec["proxy_token"]
    c.ConfigurableHTTPProxy.pid_file = str(hub.data / "proxy.pid")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = sec["trainee_password"]
    c.SharedPasswordAuthenticator.admin_password = sec["instructor_password"]
    c.Authenticator.admin_users = set(instructors)
    c.Authenticator.allowed_users = set(trainees) | set(instructors)
    c.JupyterHub.spawner_class = CourseSpawner
    c.CourseSpawner.hub_data = str(hub.data)
    c.CourseSpawner.course_home = str(hub.course)
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 300  # a whole room logging in at once on a small machine
    c.Spawner.http_timeout = 300
    c.JupyterHub.shutdown_on_logout = False


class CourseSpawner(SimpleLocalProcessSpawner):
    """A local process per user; trainees' processes inside their own sandbox."""

    hub_data = Unicode(help="the hub's state folder").tag(config=True)
    course_home = Unicode(help="the course folder").tag(config=True)

    @property
    def course_hub(self) -> Hub:
        return Hub(Path(self.hub_data), Path(self.course_home))

    async def start(self):
        hub = self.course_hub
        trainee = not self.user.admin
        home = hub.home(self.user.name, trainee)
        self.home_dir_template = str(home)
        self.cmd = [sys.executable, "-m", "tobops.room.hub", "--role", "trainee" if trainee else "instructor",
                    "--user", self.user.name, "--home", str(home), "--data", str(hub.data),
                    "--course", str(hub.course), "--course-id", hub.course_id, "--", "jupyterhub-singleuser"]
        return await super().start()

    def user_env(self, env):
        env = super().user_env(env)
        env["HOME"] = self.home_dir_template
        return env

    def get_env(self):
        env = super().get_env()
        env.update(TOBOPS_EXCHANGE=str(self.course_hub.exchange), PATH=os.environ.get("PATH", ""),
                   OPENBLAS_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
        if not self.user.admin:
            env["JUPYTER_CONFIG_PATH"] = str(workspace.TRAINEE_CONFIG)
        return env
