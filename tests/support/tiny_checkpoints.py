"""Tiny random-weight checkpoints in the real layouts, built in code: for the tests, the
training smoke run and `benchmarks/gpu_tangoflux.py --tiny`.

Every builder writes a folder that the real loader reads exactly as it reads a downloaded
checkpoint (same file names, same state-dict keys, same tokenizer files); only the sizes
differ. Tokenizers are built from small vocabularies with the `tokenizers`-backed classes
of transformers, so no download is needed.
"""
from __future__ import annotations

import json
from pathlib import Path

WORDS = ("a an the of in on at and with to from by over under near then as while far "
         "rain storm thunder wind waves sea harbour boat bell rings door slams dog barks "
         "birds sing footsteps wooden pier fire crackles car engine train passes horn crowd "
         "cheers music piano soft loud distant heavy light night city forest river water "
         "drips clock ticks voice says hello gentle steady rolls crash creaks opens closes "
         "story audio sound seconds duration total develop comprehensive fully represents "
         "events event first next finally is are long").split()
SEED = 1234


def _torch_seed(seed: int = SEED):
    import torch

    torch.manual_seed(seed)


def tiny_t5(folder: Path, d_model: int = 32, max_length: int = 32) -> Path:
    """A Flan-T5-layout encoder: config.json, model.safetensors, tokenizer files."""
    from transformers import T5Config, T5EncoderModel, T5Tokenizer

    _torch_seed()
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    vocab += [("▁" + w, -3.0 - i * 0.01) for i, w in enumerate(WORDS)]
    vocab += [(c, -12.0) for c in "abcdefghijklmnopqrstuvwxyz0123456789.,'\"-!?"]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=max_length)
    config = T5Config(vocab_size=len(vocab), d_model=d_model, d_kv=8, d_ff=2 * d_model,
                      num_layers=1, num_heads=4, relative_attention_num_buckets=8,
                      decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    model = T5EncoderModel(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


TINY_DIT = {"num_layers": 1, "num_single_layers": 1, "in_channels": 8,
            "attention_head_dim": 16, "num_attention_heads": 2, "joint_attention_dim": 32,
            "audio_seq_len": 250, "max_duration": 4.0, "axes_dims_rope": [4, 6, 6],
            "text_encoder_name": "google/flan-t5-large"}
TINY_VAE = {"encoder_hidden_size": 16, "downsampling_ratios": [2, 4, 4, 8],
            "channel_multiples": [1, 1, 1, 1], "decoder_channels": 4,
            "decoder_input_channels": 8, "audio_channels": 2, "sampling_rate": 16000}


def tiny_vae_state():
    from diffusers import AutoencoderOobleck

    _torch_seed()
    return AutoencoderOobleck(**TINY_VAE)


def tiny_dit(text_dim: int = 32, config: dict | None = None):
    from engine.generation.tangoflux.dit import DiTConfig, TangoFluxDiT

    _torch_seed()
    return TangoFluxDiT(DiTConfig.from_json(config or TINY_DIT), text_dim)


def tiny_tangoflux(folder: Path, text_dim: int = 32) -> Path:
    """The declare-lab/TangoFlux layout: config.json, tangoflux.safetensors, vae.safetensors
    (+ vae_config.json, since the tiny VAE is not diffusers' default one)."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(TINY_DIT, indent=1))
    (folder / "vae_config.json").write_text(json.dumps(TINY_VAE, indent=1))
    save_file(_contiguous(tiny_dit(text_dim).state_dict()),
              str(folder / "tangoflux.safetensors"))
    save_file(_contiguous(tiny_vae_state().state_dict()), str(folder / "vae.safetensors"))
    return folder


def _contiguous(state: dict) -> dict:
    return {k: v.detach().clone().contiguous() for k, v in state.items()}


def tiny_stable_audio(folder: Path) -> Path:
    """The stabilityai/stable-audio-open-1.0 diffusers layout."""
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
    )
    from diffusers.pipelines.stable_audio import StableAudioProjectionModel
    from transformers import T5EncoderModel

    t5_folder = tiny_t5(folder / "_t5", d_model=32, max_length=24)
    _torch_seed()
    transformer = StableAudioDiTModel(
        sample_size=256, in_channels=8, num_layers=1, attention_head_dim=8,
        num_attention_heads=2, num_key_value_attention_heads=2, out_channels=8,
        cross_attention_dim=16, time_proj_dim=8, global_states_input_dim=32,
        cross_attention_input_dim=16)
    vae = AutoencoderOobleck(encoder_hidden_size=16, downsampling_ratios=[2, 4, 4, 8],
                             channel_multiples=[1, 1, 1, 1], decoder_channels=4,
                             decoder_input_channels=8, audio_channels=2, sampling_rate=16000)
    projection = StableAudioProjectionModel(text_encoder_dim=32, conditioning_dim=16,
                                            min_value=0, max_value=32)
    scheduler = CosineDPMSolverMultistepScheduler(
        solver_order=2, prediction_type="v_prediction", sigma_data=1.0, sigma_schedule="exponential")
    from transformers import AutoTokenizer

    pipe = StableAudioPipeline(vae=vae, text_encoder=T5EncoderModel.from_pretrained(
        str(t5_folder)), projection_model=projection, tokenizer=AutoTokenizer.from_pretrained(
        str(t5_folder)), transformer=transformer, scheduler=scheduler)
    pipe.save_pretrained(str(folder))
    _remove_tree(t5_folder)
    return folder


def tiny_gemma_tokenizer(max_length: int = 24):
    """A Gemma-class tokenizer (what T5Gemma uses) over the test vocabulary."""
    from transformers import GemmaTokenizer

    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, "<mask>": 4}
    for word in WORDS:
        vocab.setdefault("\u2581" + word, len(vocab))
    for char in "\u2581abcdefghijklmnopqrstuvwxyz0123456789.,'\"-!?":
        vocab.setdefault(char, len(vocab))
    return GemmaTokenizer(vocab=vocab, merges=[], model_max_length=max_length)


TINY_SA3_RATE = 16000
TINY_SA3_LONGEST_S = 8.0


def tiny_stable_audio3(folder: Path) -> Path:
    """The stabilityai/stable-audio-3-* diffusers layout (T5Gemma encoder, SAME
    autoencoder, duration embedder, DiT with the inpainting input, flow-match scheduler);
    256 audio samples per latent frame, clips up to 8 s."""
    tiny_stable_audio3_pipeline().save_pretrained(str(folder))
    return folder


def tiny_stable_audio3_pipeline():
    """The tiny Stable Audio 3 pipeline itself, in memory."""
    import torch
    from diffusers import (
        AutoencoderSAME,
        FlowMatchEulerDiscreteScheduler,
        StableAudio3DiTModel,
        StableAudio3Pipeline,
    )
    from diffusers.pipelines.stable_audio_3 import StableAudio3DurationEmbedder
    from transformers import T5GemmaConfig, T5GemmaEncoderModel
    from transformers.models.t5gemma.configuration_t5gemma import T5GemmaModuleConfig

    tokenizer = tiny_gemma_tokenizer()
    _torch_seed()
    module = T5GemmaModuleConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, head_dim=16, query_pre_attn_scalar=16,
        sliding_window=16, max_position_embeddings=64).to_dict()
    text_encoder = T5GemmaEncoderModel(T5GemmaConfig(encoder=module, decoder=module,
                                                     is_encoder_decoder=False,
                                                     vocab_size=len(tokenizer)))
    latent_dim = 8
    vae = AutoencoderSAME(audio_channels=2, patch_size=64, encoder_channels=8,
                          encoder_c_mults=(2,), encoder_strides=(4,),
                          encoder_transformer_depths=(1,), latent_dim=latent_dim, dim_heads=8,
                          ff_mult=2, sampling_rate=TINY_SA3_RATE)
    transformer = StableAudio3DiTModel(
        io_channels=latent_dim, embed_dim=32, depth=1, num_heads=2, cond_token_dim=32,
        global_cond_dim=32, local_add_cond_dim=latent_dim + 1, timestep_features_dim=16,
        ff_mult=2.0, num_memory_tokens=2)
    duration = StableAudio3DurationEmbedder(output_dim=32, fourier_dim=16,
                                            max_val=TINY_SA3_LONGEST_S)
    for module in (vae, transformer):  # zero-initialised branches would make them silent
        for parameter in module.parameters():
            if not parameter.detach().abs().max():
                torch.nn.init.normal_(parameter, std=0.05)
    pipe = StableAudio3Pipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                                duration_embedder=duration, transformer=transformer,
                                scheduler=FlowMatchEulerDiscreteScheduler(stochastic_sampling=True))
    return pipe


def tiny_audioldm2(folder: Path) -> Path:
    """The cvssp/audioldm2 diffusers layout (CLAP + T5 + GPT-2 + UNet + VAE + HiFi-GAN)."""
    import torch
    from diffusers import AudioLDM2Pipeline, AutoencoderKL, DDIMScheduler
    from diffusers.pipelines.audioldm2 import (
        AudioLDM2ProjectionModel,
        AudioLDM2UNet2DConditionModel,
    )
    from tokenizers.pre_tokenizers import ByteLevel
    from transformers import (
        AutoTokenizer,
        ClapConfig,
        ClapFeatureExtractor,
        ClapModel,
        GPT2Config,
        GPT2LMHeadModel,
        RobertaTokenizer,
        SpeechT5HifiGan,
        SpeechT5HifiGanConfig,
        T5EncoderModel,
    )

    t5_folder = tiny_t5(folder / "_t5", d_model=32, max_length=24)
    _torch_seed()
    unet = AudioLDM2UNet2DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, norm_num_groups=8, sample_size=96,
        in_channels=4, out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=(8, 16),
        attention_head_dim=2)
    vae = AutoencoderKL(block_out_channels=[8, 16], in_channels=1, out_channels=1,
                        norm_num_groups=8, down_block_types=["DownEncoderBlock2D"] * 2,
                        up_block_types=["UpDecoderBlock2D"] * 2, latent_channels=4)
    clap = ClapModel(ClapConfig(
        text_config=dict(vocab_size=300, hidden_size=8, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=16, projection_dim=8,
                         max_position_embeddings=40),
        audio_config=dict(spec_size=64, window_size=4, num_mel_bins=64, patch_embeds_hidden_size=8,
                          hidden_size=16, depths=[1, 1], num_attention_heads=[2, 2],
                          num_hidden_layers=1, patch_stride=2, projection_dim=8,
                          enable_fusion=False),
        projection_dim=8))
    alphabet = sorted(ByteLevel.alphabet())
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    vocab = {tok: i for i, tok in enumerate(specials + alphabet)}
    roberta = RobertaTokenizer(vocab=vocab, merges=[], model_max_length=24)
    gpt2 = GPT2LMHeadModel(GPT2Config(n_embd=16, n_head=2, n_layer=1, vocab_size=100,
                                      n_positions=64, max_new_tokens=4,
                                      bos_token_id=0, eos_token_id=0))
    projection = AudioLDM2ProjectionModel(text_encoder_dim=8, text_encoder_1_dim=32,
                                          langauge_model_dim=16)
    vocoder = SpeechT5HifiGan(SpeechT5HifiGanConfig(
        model_in_dim=8, sampling_rate=16000, upsample_initial_channel=16,
        upsample_rates=[8, 5, 4], upsample_kernel_sizes=[16, 10, 8], resblock_kernel_sizes=[3, 7],
        resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5]], normalize_before=False))
    for parameter in vocoder.parameters():  # at its own init the vocoder is near silent
        torch.nn.init.normal_(parameter, std=0.1)  # (-140 dBFS: every render fails its checks)
    pipe = AudioLDM2Pipeline(
        vae=vae, text_encoder=clap, text_encoder_2=T5EncoderModel.from_pretrained(str(t5_folder)),
        projection_model=projection, language_model=gpt2, tokenizer=roberta,
        tokenizer_2=AutoTokenizer.from_pretrained(str(t5_folder)),
        feature_extractor=ClapFeatureExtractor(feature_size=64, sampling_rate=16000),
        unet=unet, scheduler=DDIMScheduler(), vocoder=vocoder)
    pipe.save_pretrained(str(folder))
    _remove_tree(t5_folder)
    return folder


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def tiny_qwen_tokenizer():
    """A byte-level BPE tokenizer of the Qwen2 class with Qwen's chat tokens."""
    from tokenizers.pre_tokenizers import ByteLevel
    from transformers import Qwen2Tokenizer

    alphabet = sorted(ByteLevel.alphabet())
    vocab = {ch: i for i, ch in enumerate(alphabet)}
    merges = []
    for word in WORDS[:40]:  # a few whole-word merges keep sequences short
        pieces = ["Ġ"] + list(word)
        while len(pieces) > 1:
            merged = pieces[0] + pieces[1]
            if merged not in vocab:
                vocab[merged] = len(vocab)
                merges.append((pieces[0], pieces[1]))
            pieces = [merged] + pieces[2:]
    tokenizer = Qwen2Tokenizer(vocab=vocab, merges=merges)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    return tokenizer


def tiny_qwen(folder: Path, hidden: int = 32) -> Path:
    """A Qwen2.5-Instruct-layout base LLM (tied embeddings, like the 3B model)."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = tiny_qwen_tokenizer()
    _torch_seed()
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=hidden,
                         intermediate_size=2 * hidden, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=2048, tie_word_embeddings=True,
                         eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"))
    folder.mkdir(parents=True, exist_ok=True)
    Qwen2ForCausalLM(config).save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


def tiny_audiostory(folder: Path, models: Path, semantic_queries: int = 4,
                    residual_queries: int = 2) -> Path:
    """The TencentARC/AudioStory-3B layout: config.yaml, pytorch_model.bin (released key
    names), tokenizer/ and Flux_detokenizer/; the base LLM and Flan-T5 go to `models` under
    their catalogue names, where the model manager finds them."""
    import torch
    from safetensors.torch import save_file

    from engine.generation.audiostory.config import AudioStoryConfig, config_yaml
    from engine.generation.audiostory.loader import build_model, load_tokenizer, released_state
    from engine.generation.tangoflux.dit import DiTConfig

    base = models / "qwen2.5-3b-instruct"
    if not (base / "config.json").is_file():
        tiny_qwen(base)
    t5 = models / "flan-t5-large"
    if not (t5 / "config.json").is_file():
        tiny_t5(t5)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizer(folder, base)
    tokenizer.save_pretrained(str(folder / "tokenizer"))
    config = AudioStoryConfig(base_llm="ckpt/Qwen2.5-3B-Instruct",
                              semantic_queries=semantic_queries,
                              residual_queries=residual_queries, vocab_size=len(tokenizer),
                              lora_r=4, lora_alpha=4)
    (folder / "config.yaml").write_text(config_yaml(config))
    detokenizer = folder / "Flux_detokenizer"
    detokenizer.mkdir(exist_ok=True)
    (detokenizer / "config.json").write_text(json.dumps(TINY_DIT, indent=1))
    (detokenizer / "vae_config.json").write_text(json.dumps(TINY_VAE, indent=1))
    save_file(_contiguous(tiny_vae_state().state_dict()), str(detokenizer / "model.safetensors"))
    _torch_seed()
    model = build_model(config, base, DiTConfig.from_json(TINY_DIT), 32, len(tokenizer))
    for name, parameter in model.named_parameters():  # LoRA B starts at zero: make it count
        if "lora_B" in name:
            torch.nn.init.normal_(parameter, std=0.02)
    state = released_state(model)
    from transformers import T5EncoderModel

    encoder = T5EncoderModel.from_pretrained(str(t5))
    state.update({f"tangoflux.text_encoder.{k}": v for k, v in encoder.state_dict().items()})
    torch.save(_contiguous(state), str(folder / "pytorch_model.bin"))
    return folder
