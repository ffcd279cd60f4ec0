# placeholder: the owner of tools writes its rules here
