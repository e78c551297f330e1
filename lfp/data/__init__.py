"""The LFP data stage: the ``StimulusLFP`` value, generated images, a synthetic recording and the Allen reader."""
