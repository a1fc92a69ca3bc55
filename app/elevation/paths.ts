// Where the installed root helper and its polkit policy live. Fixed: the app never asks for them.
export const HELPER_DIR = "/usr/lib/tenbolt";
export const HELPER_PATH = "/usr/lib/tenbolt/tenbolt-helper";
export const POLICY_PATH = "/usr/share/polkit-1/actions/org.tenbolt.helper.policy";
export const PKEXEC_CANDIDATES = ["/usr/bin/pkexec", "/bin/pkexec"] as const;
