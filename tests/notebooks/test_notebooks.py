"""Every notebook in notebooks/: stored executed at full size, and every cell still runs, at tiny size, from a
fresh kernel of this interpreter."""

import pathlib
import signal
import sys

import nbformat
import pytest
from forked import ForkedModule
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

NOTEBOOK_FOLDER = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_FOLDER.glob("*.ipynb"))
CELL_TIMEOUT = 600  # seconds per cell
MAX_BYTES = 1_000_000  # a stored notebook stays small enough to read on a code host
KERNEL_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "NOTEBOOK_SIZE": "tiny"}

# Injected after the parameters cell, as papermill injects parameters: at tiny size a notebook takes a few steps,
# and tracing TensorFlow's functions would take longer than running them (the traced steps have their own tests).
EAGER_CELL = "import tensorflow as tf\n\ntf.config.run_functions_eagerly(True)"


class ForkedKernel:
    """A kernel started as jupyter_client starts one (``python -m ipykernel_launcher -f FILE`` in a process group
    of its own, which it interrupts and kills as a group), forked with Keras imported (``forked.py``): the
    ``Popen`` that jupyter_client's local provisioner expects of ``launch_kernel``."""

    stdin = stdout = stderr = None  # the provisioner closes the ones it finds

    def __init__(self, command, env=None, cwd=None, **popen_options):
        assert command[:3] == [sys.executable, "-m", "ipykernel_launcher"], command
        self._kernel = ForkedModule("ipykernel_launcher", command[3:], cwd=cwd, environment=env, new_session=True)
        self.pid = self._kernel.pid

    def poll(self):
        return self._kernel.poll()

    def wait(self, timeout=None):
        return self._kernel.wait(timeout)

    def send_signal(self, number):
        self._kernel.send_signal(number)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])


TRAINING = ("calcium_gan", "lfp_gan", "mei", "latent", "autoencoders")  # each takes NOTEBOOK_SIZE


def test_the_notebooks_are_found():
    assert {f"{name}.ipynb" for name in ("surrogate", *TRAINING)} <= {path.name for path in NOTEBOOKS}


@pytest.mark.parametrize("name", TRAINING)
def test_a_training_notebook_reads_its_size_in_one_tagged_parameters_cell(name):
    notebook = nbformat.read(NOTEBOOK_FOLDER / f"{name}.ipynb", as_version=4)
    reading = [cell for cell in notebook.cells if "NOTEBOOK_SIZE" in cell.source]
    assert len(reading) == 1 and reading[0].metadata.get("tags") == ["parameters"]
    assert "if TINY:" in "".join(cell.source for cell in notebook.cells)


@each_notebook
def test_stored_notebook_is_executed_in_order_without_errors(path):
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code_cells] == list(range(1, len(code_cells) + 1))
    errors = [output for cell in code_cells for output in cell.outputs if output.output_type == "error"]
    assert not errors, f"{path.name}: stored error {errors[0].ename}: {errors[0].evalue}"
    assert path.stat().st_size < MAX_BYTES


@pytest.mark.slow
@each_notebook
def test_notebook_executes(path, tmp_path, monkeypatch):
    """A copy runs at tiny size in a kernel of the running interpreter (forked with Keras imported, which saves
    the kernel TensorFlow's import), in notebooks/; the executed copy goes to tmp_path."""
    monkeypatch.setattr("jupyter_client.provisioning.local_provisioner.launch_kernel", ForkedKernel)
    notebook = nbformat.read(path, as_version=4)
    parameters = [index for index, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])]
    for index in parameters:
        notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(EAGER_CELL, metadata={"tags": ["injected"]}))
    spec = write_kernel_spec(tmp_path / "kernels" / "python3", overrides={"env": KERNEL_ENVIRONMENT})
    kernels = KernelSpecManager(kernel_dirs=[str(pathlib.Path(spec).parent)])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=kernels)
    assert manager.kernel_spec.argv[0] == sys.executable
    client = NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT, record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOK_FOLDER)}})  # fmt: skip
    try:
        client.execute()  # raises CellExecutionError, naming the cell, on the first failing cell
    finally:
        manager.shutdown_kernel(now=True)  # a kernel given to nbclient is not shut down by it
    nbformat.write(notebook, tmp_path / path.name)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code_cells] == list(range(1, len(code_cells) + 1))
