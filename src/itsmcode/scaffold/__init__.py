"""``itsm init``: the templates of a new ITSM repository (``templates/``) and writing
them without clobbering (``project``)."""
