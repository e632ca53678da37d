"""`python -m engine.generation.procedural`: store the recipe description embeddings again
after editing resources/sounds/catalogue.json."""
from engine.generation.procedural.matching import EMBEDDINGS_FILE, save_embeddings

save_embeddings()
print(f"wrote {EMBEDDINGS_FILE}")
