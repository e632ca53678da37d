"""Speech: the story's words spoken in a voice per speaker (offline engines from the system's
packages, run as separate programs). The generator lives in `generator`; this package imports
nothing itself, so the planner can cast voices (`casting`) without loading the DSP."""
