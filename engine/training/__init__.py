"""Training the AudioStory model (the public release ships no training code).

    config.py     the training configuration file (YAML or JSON)
    dataset.py    stories with timed, captioned events and their audio -> training items
    losses.py     the paper's losses: text, semantic-query MSE to Flan-T5, flow matching
    trainer.py    the loop on Hugging Face accelerate (1 CPU .. many GPUs and machines)
    synthetic.py  a small synthetic dataset for smoke runs
"""
