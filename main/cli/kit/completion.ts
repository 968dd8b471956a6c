// Shell completion for bash and zsh, written out from the command tree itself, so it offers
// exactly the commands and options the CLI takes. `ccstudio completion bash` prints the script;
// nothing runs ccstudio while completing (a table of words, read by the shell's own functions).
import type { Command } from 'commander';
import { commandPath } from './commandKit.js';

/** One command's words: its subcommands, its options, and which of those take a value. */
interface CompletionEntry {
  path: string;
  subcommands: string[];
  options: string[];
  valued: string[];
}

/** Every command under `root` (the root itself as ""), depth first. */
export function completionTable(root: Command): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const visit = (cmd: Command): void => {
    const options = cmd.options.filter((o) => o.long).map((o) => o.long!);
    entries.push({
      path: commandPath(cmd).join(' '),
      subcommands: cmd.commands.map((c) => c.name()),
      options: [...options, '--help'],
      valued: cmd.options.filter((o) => o.long && (o.required || o.optional)).map((o) => o.long!),
    });
    cmd.commands.forEach(visit);
  };
  visit(root);
  return entries;
}

/** A `case` over the command path, echoing one list of words per command. */
function caseOf(fn: string, table: CompletionEntry[], words: (e: CompletionEntry) => string[]): string {
  const arms = table
    .filter((e) => words(e).length)
    .map((e) => `    '${e.path}') echo '${words(e).join(' ')}' ;;`);
  return `_ccstudio_${fn}() {\n  case "$1" in\n${arms.join('\n')}\n  esac\n}`;
}

/**
 * The functions both shells share: for the words typed so far (after `ccstudio`), the command they
 * name (`agent add`), skipping options and the values of those that take one. Sets `cmdpath`, and
 * `wantsvalue` when the word being completed is an option's value. (`path` is zsh's PATH.)
 */
function sharedFunctions(table: CompletionEntry[]): string {
  return `${caseOf('subs', table, (e) => e.subcommands)}
${caseOf('opts', table, (e) => e.options)}
${caseOf('valued', table, (e) => e.valued)}
_ccstudio_walk() {
  cmdpath='' wantsvalue=''
  local w
  for w in "$@"; do
    if [[ -n $wantsvalue ]]; then wantsvalue=''; continue; fi
    case " $(_ccstudio_valued "$cmdpath") " in *" $w "*) wantsvalue=1; continue ;; esac
    case " $(_ccstudio_subs "$cmdpath") " in *" $w "*) cmdpath="\${cmdpath:+$cmdpath }$w" ;; esac
  done
}`;
}

const HEADER = (shell: string) => `# ccstudio completion for ${shell}. Load it with:
#   source <(ccstudio completion ${shell})
# or save it where ${shell} reads completions (see ccstudio completion --help).`;

export function bashCompletion(table: CompletionEntry[]): string {
  return `${HEADER('bash')}
${sharedFunctions(table)}
_ccstudio() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath wantsvalue
  _ccstudio_walk "\${COMP_WORDS[@]:1:COMP_CWORD-1}"
  if [[ -n $wantsvalue ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_ccstudio_opts "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_ccstudio_subs "$cmdpath")" -- "$cur"))
  fi
}
complete -o default -F _ccstudio ccstudio
`;
}

export function zshCompletion(table: CompletionEntry[]): string {
  return `#compdef ccstudio
${HEADER('zsh')}
${sharedFunctions(table)}
_ccstudio() {
  local cmdpath wantsvalue cur="\${words[CURRENT]}"
  _ccstudio_walk "\${(@)words[2,CURRENT-1]}"
  if [[ -n $wantsvalue ]]; then
    _files
  elif [[ $cur == -* ]]; then
    compadd -- \${=$(_ccstudio_opts "$cmdpath")}
  else
    compadd -- \${=$(_ccstudio_subs "$cmdpath")}
  fi
}
if (( $+functions[compdef] )); then compdef _ccstudio ccstudio; fi
`;
}
