"""Every notebook in notebooks/: stored executed, and it still runs from a fresh kernel of this interpreter."""

import pathlib
import sys

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

NOTEBOOK_FOLDER = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_FOLDER.glob("*.ipynb"))
CELL_TIMEOUT = 600  # seconds per cell
MAX_BYTES = 1_000_000  # a stored notebook stays small enough to read on a code host

each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])


def test_the_notebooks_are_found():
    names = ("surrogate", "calcium_gan", "lfp_gan", "mei", "latent", "autoencoders")
    assert {f"{name}.ipynb" for name in names} <= {path.name for path in NOTEBOOKS}


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
def test_notebook_executes(path, tmp_path):
    """A copy runs in a kernel of the running interpreter, in notebooks/; the executed copy goes to tmp_path."""
    notebook = nbformat.read(path, as_version=4)
    spec = write_kernel_spec(tmp_path / "kernels" / "python3", overrides={"env": {"TF_CPP_MIN_LOG_LEVEL": "3"}})
    kernels = KernelSpecManager(kernel_dirs=[str(pathlib.Path(spec).parent)])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=kernels)
    assert manager.kernel_spec.argv[0] == sys.executable
    client = NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT, record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOK_FOLDER)}})  # fmt: skip
    client.execute()  # raises CellExecutionError, naming the cell, on the first failing cell
    nbformat.write(notebook, tmp_path / path.name)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code_cells] == list(range(1, len(code_cells) + 1))
