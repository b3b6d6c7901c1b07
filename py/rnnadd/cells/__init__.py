"""The recurrent cells, one module each, all with one signature.

A cell module has:
    GATES            weight blocks side by side in w_ih (2, G*H), w_hh (H, G*H), b_ih (G*H)
    STATE            blocks of H numbers a cell carries from step to step (the LSTM: h and c)
    LABEL            how the page and the CLI name its units ("{activation}" is filled in)
    initial_biases(hidden) -> b_ih at the start
    hidden_range(activation) -> (low, high) of its hidden values, high None when unbounded
    forward(params, inputs, start, noise) -> (hidden (T+1, B, H), cache, end state (B, STATE*H))
    backward(params, inputs, hidden, cache, d_hidden, grads)   writes w_ih, b_ih, w_hh
    children(params, states, branching) -> (hidden (N*branching, H), states)
                     each of N states stepped with each of the first `branching` input symbols
                     (symbols.symbol_bits), child i from state i // branching with symbol
                     i % branching: the step of the walk over shared prefixes (evaluation.prefix_tree),
                     forward's step with each state's product with W_hh computed once
                     (symbols.symbol_drive: what each symbol adds)

`start` is the state to begin from (None: zeros), so that a walk over shared
prefixes can resume a cell where it stopped. `noise` (T, B, H), when given, is
added to the hidden state after each step, as training with hidden_noise does;
backward then differentiates the noisy forward pass. `params` is a model.Network: its
weights, its cell and its activation (the Elman cell's; gated cells have their own).
Adding a cell is one module like these and one entry in CELLS.
"""

from types import ModuleType

from . import elman, gru, lstm

CELLS: dict[str, ModuleType] = {"elman": elman, "gru": gru, "lstm": lstm}


def label(cell: str, activation: str) -> str:
    """The units' name for people: "tanh" for an Elman cell, "GRU" for a GRU."""
    return CELLS[cell].LABEL.format(activation=activation)
