access_level = "user"
if access_level != "user‮ ⁦# admin⁩ ⁦":
    pass
