from diffusers import DiffusionPipeline


class XPipeline(DiffusionPipeline):
    pass
