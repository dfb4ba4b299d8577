/**
 * `whoosh completion bash|zsh`: a completion script generated from the
 * command tree itself, so it cannot drift from the commands. zsh runs the same
 * function through bashcompinit.
 */
import { Argument, type Command } from 'commander';
import { act } from '../context';

interface Node {
  readonly path: string;
  readonly words: string[];
}

function walk(cmd: Command, path: string, nodes: Node[]): void {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  const options = [...cmd.options, ...(path === '' ? [] : cmd.parent?.options ?? [])].flatMap((o) => [o.long, o.short]).filter((x): x is string => !!x);
  nodes.push({ path, words: [...subs.flatMap((c) => [c.name(), ...c.aliases()]), ...options, '--help'] });
  for (const sub of subs) for (const name of [sub.name(), ...sub.aliases()]) walk(sub, path ? `${path} ${name}` : name, nodes);
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const nodes: Node[] = [];
  walk(program, '', nodes);
  const cases = nodes.map((n) => `    "${n.path}") words="${n.words.join(' ')}" ;;`).join('\n');
  const known = nodes.filter((n) => n.path !== '').map((n) => `"${n.path}"`).join(' ');
  const bash = `_whoosh_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" words="" w i k
  local known=(${known})
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    for k in "\${known[@]}"; do
      if [[ "$k" == "\${path:+$path }$w" ]]; then path="$k"; break; fi
    done
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _whoosh_complete whoosh
`;
  return shell === 'bash' ? bash : `#compdef whoosh\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
}

export function completionCommand(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script: eval "$(whoosh completion bash)" (or zsh) in your shell profile')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action(
      act(async ({ out }, shell: 'bash' | 'zsh') => {
        out.line(completionScript(program, shell).trimEnd());
      }),
    );
}
