"""Writes vjp.pt, the TorchScript module PtAutograd runs: torch.autograd.grad with create_graph.

Regenerate (only needed when the PyTorch version of the build changes) with the PyTorch version the
build uses, e.g. torch==2.7.1:

    python core/autograd/src/main/python/make_vjp.py core/autograd/src/main/resources/io/scorelab/autograd/vjp.pt
"""
import sys
from typing import List, Optional

import torch


class Vjp(torch.nn.Module):
    """forward(y, x, v) = v^T dy/dx, in the graph (create_graph=True); an empty tensor if y does not depend on x."""

    def forward(self, y: torch.Tensor, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        grad_outputs: List[Optional[torch.Tensor]] = [v]
        g = torch.autograd.grad([y], [x], grad_outputs=grad_outputs, retain_graph=True,
                                create_graph=True, allow_unused=True)[0]
        if g is None:
            return torch.empty(0)
        return g


if __name__ == "__main__":
    torch.jit.script(Vjp()).save(sys.argv[1])
