"""AudioStory Studio desktop editor (PySide6). Imports `engine`; never the other way round."""
