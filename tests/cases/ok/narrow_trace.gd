# columns: 50
# A trace of two parameters at 50 columns drops |grad| rather than wrap;
# a stacked comparison wraps its final points between coordinates.
f(x,y)=x^2+3y^2
minimize f from (4,3) steps 20
g(a,b,c,d,e,h,i,j,k,l) = (a-1)^2+(b-2)^2+(c-3)^2+(d-4)^2+(e-5)^2+(h-6)^2+(i-7)^2+(j-8)^2+(k-9)^2+(l-10.123456)^2
minimize g from (0,0,0,0,0,0,0,0,0,0) steps 5 using [gd, adam]
minimize g from (0,0,0,0,0,0,0,0,0,0) steps 2
