"""The code cells of the tutorial (../shared/tutorial/introduction-pytorch.md), transcribed in order.

Each cell says how its output compares between torch and the reference:
  exact      - deterministic: identical text
  random     - uses the RNG: identical text (the reference draws torch's CPU streams bit for bit; both seeded with 0)
  structure  - uninitialised memory or object addresses: same layout with numbers and addresses masked
  version    - torch.__version__: torch's carries a build tag ('2.13.0+cpu'), ours is the mirrored API version
The `%%time` magic of one cell is dropped (it only times the cell).
"""

CELLS = [
    ("version", "import torch\ntorch.__version__"),
    ("structure", "torch.empty(5,5)"),
    ("exact", "torch.FloatTensor([[20, 30, 40], [90, 60, 70]])"),
    ("random", "# Construct a random matrix\na = torch.Tensor(3,3)\nprint (torch.randn(4,4))"),
    ("structure", "print(a)\nprint(a.size())"),
    ("exact", "# Create a tensor with '0' entries of size (5,3)\ntorch.zeros(5,3)\n"
              "# Create a tensor with '1' entries of size (2,2)\ntorch.ones(2,2)\n"
              "# Create the identity matrix (matrix having '1' on the diagonal, else '0' on the off-diagonals)\n"
              "torch.eye(6)"),
    ("random", "x = torch.rand(3,3)\ny = torch.rand(3,3)"),
    ("random", "# Alt 1: using the '+' operator\nz = x + y\nprint (\"z:\", z, \"\\nx: \", x, \"\\ny:\", y)"),
    ("random", "# Alt 2: using pytorch's built-in function torch.add(.,.)\ntorch.add(x,y)"),
    ("random", "# Alt 3: calling the tensor's add_ function.\nx.add_(y) # inplace add-operation"),
    ("random", "print(x)"),
    ("random", "# scalar multiplication\n# Alternative 1  \nprint (x * 5)           \n# Alternative 2\n"
               "print (torch.mul(x,5))  \n# Alternative 3\nprint (x.mul_(5))       "),
    ("random", "# Alternative 1\nx.t()   \n# Alternative 2\nx.transpose(1,0)"),
    ("random", "a = torch.rand(4,3)\nb = torch.rand(4,3)"),
    ("random", "# Concatenating along the '0'-th dimension (appending as rows)\ncat1 = torch.cat((a,b), 0)\n"
               "print (cat1)\n\n# Concatenating along the '1'-st dimension (appending as cols)\n"
               "cat2 = torch.cat((a,b), 1)\nprint (cat2)"),
    ("random", "# get the 3rd column\na[:, 2]"),
    ("random", "# get the 3rd row\na[2, :]"),
    ("random", "# Create a random tensor of size (4,4)\nx = torch.rand(4,4)\n\n"
               "# Resize the entries such that there is only one row with all the entries.\n"
               "y = x.view(-1,16)\nprint (y)\nprint (x.flatten())  #  <<-- Another way to flatten an array\n\n"
               "# Resize the entries such that in each row there are 8 entries resulting in a (2,8) matrix\n"
               "z1 = x.view(2, 8)\nz2 = x.view(-1, 8) #  <-- -1 can be used whenever the remaining entries are meant\n\n"
               "print(x.size(), y.size(), z1.size())"),
    ("exact", "# Create a tensor with '1' entries of size (5,4)\na = torch.ones(5,4)"),
    ("exact", "print(a)\nprint (type(a)) # <<-- let's check a's type"),
    ("exact", "a_np = a.numpy()\nprint (type(a_np))  # <<-- checking the type again"),
    ("exact", "# Torch Tensor -> NumPy array\nb = a.numpy()\nb = b.reshape(4,-1)"),
    ("exact", "print(b)"),
    ("exact", "# NumPy Array -> Torch Tensor\nc = torch.from_numpy(b)\nprint(c)"),
    ("exact", "import numpy as np\na = np.random.rand(3,4)\nb = torch.from_numpy(a)\nprint(b)"),
    ("structure", "# Creating the graph\nx = torch.tensor(1.0, requires_grad = True)\ny = torch.tensor(2.0)\n"
                  "z = x * y\n\n# Displaying\nfor i, name in zip([x, y, z], \"xyz\"):\n"
                  "    print(f\"{name}\\n\\\n        data: {i.data}\\n\\\n        requires_grad: {i.requires_grad}\\n\\\n"
                  "        grad: {i.grad}\\n\\\n        grad_fn: {i.grad_fn}\\n\\\n        is_leaf: {i.is_leaf}\\n\")"),
    ("exact", "from torch.autograd import Variable"),
    ("exact", "x = Variable(torch.ones(4,3), requires_grad=True)\nprint (x)"),
    ("exact", "y = x + 5\nprint(y)"),
    ("structure", "print(y.grad_fn)"),
    ("exact", "z = y * y * 5\nout = z.mean()\nprint(z, out)"),
    ("exact", "out.backward()"),
    ("exact", "print(x.grad)"),
    ("random", "%%time\nx = torch.randn(2,2)\nx = Variable(x, requires_grad = True)\n\ny = x * 2\n"
               "while y.data.norm() < 1000:\n    y = y * 2\n    \nprint(y.data.norm())\nprint(y)\n\n"
               "gradients = torch.FloatTensor(torch.rand(2, 2))\ny.backward(gradients)\nprint(x.grad)"),
]
