"""The files a build leaves in output/.masthead/ for the stages after it (deploy, digest).

One place for their names, so the build that writes them and the commands that read them agree
without the readers importing the Pelican plugin. Nothing under NOTES_DIR is ever deployed.
"""

NOTES_DIR = ".masthead/"
MANIFEST_FILE = NOTES_DIR + "manifest.json"  # every published article
MANIFEST_KEYS_FILE = NOTES_DIR + "manifest-keys.json"  # the story key of each manifest line, for the next build
REDIRECTS_FILE = NOTES_DIR + "redirects.json"  # old address -> new URL, from front matter `aliases`
BUILD_RECORD_FILE = NOTES_DIR + "build.json"  # what each page was rendered from, for the next build
OUTLINE_FILE = NOTES_DIR + "outline.marshal"  # all but the bodies, for a build after an edit of bodies
DEPLOY_HASHES_FILE = NOTES_DIR + "deploy-hashes.marshal"  # the deploy's memory of file hashes; builds leave it
OLD_DEPLOY_HASHES_FILE = NOTES_DIR + "deploy-hashes.json"  # the same, before 0.3.0: removed by a deploy
