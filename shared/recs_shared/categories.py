"""The four client-facing cost categories and the platform's model types."""

DATA = "Data"
TRAINING = "Training"
INFERENCE = "Inference"
SYSTEM = "System"
CATEGORIES = (DATA, TRAINING, INFERENCE, SYSTEM)

MODEL_TYPES = ("retrieval", "ranking", "multitask", "unknown")
