# placeholder: the owner of kernel writes its rules here
