/* removed once the runtime lands */ typedef int async__placeholder;
