def generate(model, input_ids, **kw):
    pass
