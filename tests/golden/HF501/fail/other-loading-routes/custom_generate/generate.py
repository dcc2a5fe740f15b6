def generate(model, input_ids, **kwargs):
    return model(input_ids)
