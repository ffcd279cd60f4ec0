# placeholder: the owner of x86/bl writes its rules here
