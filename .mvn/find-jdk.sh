# Sourced by ./mvnw and ./appban. appban builds at Java language level 21 (the Lambda runtime is java21):
# when JAVA_HOME is unset or older than 21, pick the newest JDK 21+ under /usr/lib/jvm instead of failing.
appban_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(appban_java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(appban_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      if [ -z "${appban_best_major:-}" ] || [ "$major" -gt "$appban_best_major" ]; then
        appban_best_major=$major
        appban_best_home=$candidate
      fi
    fi
  done
  if [ -n "${appban_best_home:-}" ]; then
    JAVA_HOME=$appban_best_home
    export JAVA_HOME
  fi
fi
