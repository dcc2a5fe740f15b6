from .quantization import *  # noqa: F403


class XModel:
    pass
