import ctypes

import torch


class Kernels:
    def __init__(self, module, names):
        for name in names:
            setattr(self, name, module.function(name))


def compress(kernels, weight, out):
    n, m = weight.size(0), weight.size(1)
    kernels.compress(
        (n, 1, 1),
        (min(m, 1024), 1, 1),
        0,
        torch.cuda.current_stream(),
        [ctypes.c_void_p(weight.data_ptr()), ctypes.c_void_p(out.data_ptr()), ctypes.c_int32(n), ctypes.c_int32(m)],
    )
    return out


def half_types():
    return [getattr(torch, name) for name in ("float16", "bfloat16")]


def accelerator():
    for backend in ("cuda", "xpu", "mps"):
        module = getattr(torch, backend, None)
        if module is not None and module.is_available():
            return backend
    return "cpu"

KERNEL_CODE = "QlpoOTFBWSZTWX4vgJEAAIb////////+/9/bv/7/X9f7//f/+t////3/avWO/dv/97P/wAGtlmnJADQAAMgDQAANAANAA0ANAGgA0GgAMgMgAAAAaAaDIBoAYgDEDT0gQAaDI0Gho0GgAAAAGgADQAAaDRpoABoGQaNAAGg0AGjQA0A0AGh6mgDQAQNAAAAaABoMjQBoAaD1BoaAGj1A0AA0BoZAA0DIAaNDQABkAAABoAAAOgAAaBpoNNAAGg0AAGgAAAGIeoaADQAAAaD1AAAAaHqAAANABoaAB6i1r17Mkix1rHn/BHUPOWE8Xr8Ruu97GOpLrfiitvhXzGfWjIgiG956OBNbLhiA4B8Fmh99WmA5MbtCncNOOdyEjigykg+YHqIYGUZ3M+EWRQBMr1opgSWldksLWHHhlqW6AAsSZOk0B6oXLvTO5Dhd5NFvgWUcSBmL37DpHkD8Cet20YNNGhO9UhVBspmMLiHeYOZJfsMzbCB0XREqglAXkYryxSQiAbKSlgka9gw4pXuwFwxnJGEl0XKd6wYJ9rGYa3DZie1VCO0jwZkkFioxQ5Y/Ifs2mAoa4IqxeIHuhvwLKsbXVvDsO0QCAngHsCuMYih3QU6RNgURtwh3DgrxXzZvL7twjVIHBpP8R1yiSmkDvlBioRLQ5AcX3fIchz4WpDTHgDyWQlzCNHIec0WIlyO1O+BzBLbI0UrbBhpO9Aa6Ai2GFLzRT7KleBmqEPI6+LkK9wh23MCqIijZhTo4HsG2s/XL44q7iLKSOVcUcDCOd7DafUMNhBIIaVnj4uCJuJuJRbkJHu8Vnm3XZpUmjBivjUPxKz39UJ6r5JLNguv8jJfmNmv4yQfJoCrEvoXsAoBZB1ZrA8GPSMwFAxmmB8kz9LBjI/qXlcjjU8ETRzNpoDpFzaZxaAdhxsye+ZUCFaQjCijv/0KvA8BLWjMQIFLmP+LMojBhHoOuCFej90PlcO8YBJvfsmCDICcJz2+D1IQTpfvqqYRPDfQ0D7Lob8VGtxyMNAyLqgkjTPSGOb+L5XOVaho//F3JFOFCQfi+AkQ="
