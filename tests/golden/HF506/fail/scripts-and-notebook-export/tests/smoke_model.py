from modeling_x import XModel

print(XModel)
