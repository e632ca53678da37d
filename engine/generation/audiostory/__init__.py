"""The AudioStory model (Guo et al., CVPR 2026; checkpoint TencentARC/AudioStory-3B).

A causal LLM (Qwen2.5 + LoRA) reasons about the narrative, then for each event writes a
caption and a timestamp and emits semantic (bridging) and residual query tokens. The last
hidden states at those query positions, projected by two 2-layer MLPs and fused by a
cross-attention fuser, condition a TangoFlux DiT (with a duration token); flow matching with
classifier-free guidance samples the latents, the Oobleck VAE decodes them, and the events'
clips are joined with crossfades on the timeline.

    tokens.py     special tokens, the chat prompt, the per-event token layout
    config.py     reading the released config.yaml (without running its Hydra targets)
    model.py      the modules, named as in the released state dict
    loader.py     checkpoint folder -> a ready model (released key layout, weights_only load)
    sequence.py   a story -> token ids with the positions of every event's queries
    reasoning.py  free generation: narrative -> reasoning + events (the planner's side)
    generator.py  the Generator backend (one event, with the story so far as LLM context)
"""
