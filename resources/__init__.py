"""Data shipped with AudioStory Studio (package data): the sound catalogue, the planning data,
the story schema and the icons. Code finds it through `engine.locations.resource_path`."""
