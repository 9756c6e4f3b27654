"""One module per repository of the province: each writes its sources from the world built so
far (`profiles.province.Province`) and adds what later sources refer to."""
