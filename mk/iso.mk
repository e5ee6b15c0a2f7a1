# iso
