"""Layers that draw noise in every call keep their random stream's position in their saved files."""

import numpy as np


class SavedSeedStream:
    """Mixin for a Keras layer whose ``seed_generator`` (a ``keras.random.SeedGenerator``) draws its noise: the
    generator's state (a variable) is written with the layer's weights and read back, so a loaded layer
    continues the stream where the saved one stood. List it before ``keras.layers.Layer``."""

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["seed_state"] = self.seed_generator.state

    def load_own_variables(self, store):
        self.seed_generator.state.assign(np.asarray(store["seed_state"]).astype(self.seed_generator.state.dtype))
        super().load_own_variables({key: store[key] for key in store.keys() if key != "seed_state"})
