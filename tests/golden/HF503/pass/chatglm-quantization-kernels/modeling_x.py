from .quantization import compress


class XModel:
    pass
