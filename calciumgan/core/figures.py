"""Figures without pyplot.

The package draws into ``matplotlib.figure.Figure`` objects and saves them to files, so importing
it never changes the user's matplotlib backend (a notebook keeps its inline plots) and no figure is
left open in pyplot's state.
"""

from matplotlib.figure import Figure

from calciumgan.core.files import atomic_path


def subplots(rows: int = 1, columns: int = 1, *, figsize: tuple, dpi: float | None = None, layout: str | None = None,
             **kwargs) -> tuple:  # fmt: skip
    """(figure, axes) as ``pyplot.subplots(rows, columns, ...)`` gives them; ``kwargs`` go to ``Figure.subplots``."""
    figure = Figure(figsize=figsize, dpi=dpi, layout=layout)
    return figure, figure.subplots(rows, columns, **kwargs)


def save_png(figure, path, **savefig_kwargs):
    """Write ``figure`` to ``path`` as PNG through a temporary file (never half-written); returns ``path``."""
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", **savefig_kwargs)
    return path
