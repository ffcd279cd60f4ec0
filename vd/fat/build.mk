# placeholder: the owner of vd/fat writes its rules here
