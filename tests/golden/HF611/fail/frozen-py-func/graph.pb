
.
xPlaceholder*
dtype0*
shape:
A
pyPyFuncx*
Tin
2*
token
pyfunc_1*
Tout
2"ª