from speechbrain.inference.interfaces import Pretrained


class CustomASR(Pretrained):
    pass
