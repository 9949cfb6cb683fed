// The sha256 of every file this version of the site ships (path -> hex), written here by build.py when
// it bundles the page: the page's own script carries it (index.html checks that script's integrity),
// so the engine worker can check every file it loads against it. The source tree holds no list.
export const SITE_FILES = null;
