package store

import "io/fs"

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the embedded directory is fixed at compile time
	}
	return sub
}

// Migrations is the embedded migrations folder, for tools that need to know
// the schema version (the test-database helper hashes it).
func Migrations() fs.FS { return mustSub(migrations, "migrations") }

// RiverVersionTag changes when River's migrations might: it is the River
// module version this binary was built with.
const RiverVersionTag = "river-v0.51.2"
