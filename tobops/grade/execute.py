"""nbgrader's Execute step with two more limits for untrusted notebooks.

* ``notebook_timeout``: wall-clock seconds for the whole notebook. Cells that would start
  after it are not run; they get a ``NotebookTimeoutError`` output instead (so their
  tests score 0 and the instructor sees why).
* ``max_output_bytes``: per cell. Output beyond it is dropped and replaced by one line
  saying so, so a cell that prints gigabytes cannot exhaust the grader's memory. The line
  is a display output, not a stream: nbgrader's ``LimitOutput``, which runs next, keeps
  only the first 1,000 lines of a cell's streams and drops every stream after them.

``nbgrader_config.py`` puts :class:`LimitedExecute` in place of nbgrader's ``Execute``
for autograding; both limits come from :class:`tobops.settings.Limits`.
"""
from __future__ import annotations

import json
import time

from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

from tobops.settings import Limits

TRUNCATED = "[tobops: output truncated here: this cell printed more than {kb} KB]"


def truncated(out: NotebookNode) -> bool:
    """Is this output the line that says the cell's output was cut?"""
    return out.output_type == "display_data" and "tobops: output truncated" in out.get("data", {}).get("text/plain", "")


class LimitedExecute(Execute):
    notebook_timeout = Integer(Limits.notebook_timeout, help="wall-clock seconds for the whole notebook").tag(config=True)
    max_output_bytes = Integer(1000 * Limits.max_output_kb, help="output bytes kept per cell").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        self._out_bytes: dict[int, int] = {}
        return super().preprocess(nb, resources, km)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        remaining = self._deadline - time.monotonic()
        if cell.cell_type == "code" and cell.source.strip() and remaining <= 0:
            cell.outputs = [NotebookNode(output_type="error", ename="NotebookTimeoutError",
                                         evalue=f"not run: the notebook used up its {self.notebook_timeout} s",
                                         traceback=[f"NotebookTimeoutError: not run: the notebook used up its "
                                                    f"{self.notebook_timeout} s"])]
            return cell
        saved = self.timeout
        if self.timeout is not None and remaining > 0:
            self.timeout = max(1, min(self.timeout, int(remaining) + 1))
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            self.timeout = saved

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._out_bytes.get(cell_index, 0)
        self._out_bytes[cell_index] = used + size
        if used + size <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.max_output_bytes:  # first message over the limit: say so once
            outs.append(NotebookNode(output_type="display_data", metadata={},
                                     data={"text/plain": TRUNCATED.format(kb=self.max_output_bytes // 1000)}))
        return None
