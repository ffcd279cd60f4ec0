# placeholder: the owner of x86/bm writes its rules here
