"""Text-to-audio backends built on diffusers models: AudioLDM 2, Stable Audio Open and the
TangoFlux-architecture DiT. Each loads its checkpoint through `engine.checkpoints` on first use and
keeps it loaded; none is imported until a backend is asked for."""
