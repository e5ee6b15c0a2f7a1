# user
