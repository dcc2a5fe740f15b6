from generator import Generator


class EndpointHandler:
    pass
