// Strings seen many times (reasons, signals, file names) stored once each and referred to by a small number.

/** 0 stands for ''. */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [''];

  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  nameOf(id: number): string {
    return this.names[id] ?? '';
  }
}
